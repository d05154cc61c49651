<h1>{{title}}</h1><p>Hello {{name}}</p>
