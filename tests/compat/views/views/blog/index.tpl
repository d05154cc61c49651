blog index @ {{@path}}
