dup index @ {{@path}}
