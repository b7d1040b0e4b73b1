# Load the app in the master process, so a configuration error (a missing SECRET_KEY, say)
# stops gunicorn at start-up instead of making it restart failing workers for ever.
preload_app = True
