"""The crash demo's Flask app, run by gunicorn (see gunicorn.conf.py)."""
