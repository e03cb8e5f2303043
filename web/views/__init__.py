"""Page views, one module per area of the app; ``web.urls`` maps each route to its module.

Every queryset is filtered by ``request.user``; another lifter's ids answer 404. Views that
take a set respond to htmx with the exercise's block (partial) and to a plain form post with a
redirect, so the training view works without JavaScript too.
"""
