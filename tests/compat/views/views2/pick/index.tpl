pick index in views2 @ {{@path}}
