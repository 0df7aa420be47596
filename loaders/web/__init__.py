"""`cppa-identity serve`: the review pages (loaders.web.app)."""
