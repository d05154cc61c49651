<p>{{html}}</p><p title="{{attr}}"></p>
