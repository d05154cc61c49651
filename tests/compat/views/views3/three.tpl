views3 @ {{@path}}
