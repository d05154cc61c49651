only2 @ {{@path}}
