dup file @ {{@path}}
