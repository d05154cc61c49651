café {{name}} ☃ 😀
