absolute {{title}} @ {{@path}}
