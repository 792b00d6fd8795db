"""The evidence desk: a small WSGI app over the same library calls as the command line.

`app` routes and guards requests (token, session, CSRF), `views` turn a request into
library calls and a rendered page, `writes` runs decisions while no sync holds the
database, `feeds` renders Atom. `tracker serve` runs it on waitress.
"""
