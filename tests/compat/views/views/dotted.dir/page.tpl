dotted dir @ {{@path}}
