"""The middleware Express apps usually pull from npm, in the box.

They live in this subpackage so that ``from fastexpress import cors`` (the function) never
collides with a module of the same name; ``fastexpress`` exports each one lazily.
"""
