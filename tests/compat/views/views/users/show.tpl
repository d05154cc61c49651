user {{id}} @ {{@path}}
