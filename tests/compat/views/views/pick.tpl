pick file in views @ {{@path}}
