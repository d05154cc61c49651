shared from views @ {{@path}}
