shared from views2 @ {{@path}}
