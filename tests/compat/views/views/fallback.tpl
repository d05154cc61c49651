only in views @ {{@path}}
