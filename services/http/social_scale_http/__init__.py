"""The HTTP adapter: the API's routes and resources, validation, auth middleware,
conditional GET, problems, metrics and readiness. It takes its collaborators from the
shared wiring's container (`social_scale_wiring`) and knows nothing of the console."""
