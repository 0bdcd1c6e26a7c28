"""What many test modules share: fixtures (registered in tests/conftest.py), the phase a test
runs in, and the live layer's sockets. Test modules import from here, never from each other."""
