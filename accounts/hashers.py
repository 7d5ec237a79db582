"""The password hash: Argon2id at OWASP's recommended configuration.

Django's defaults (100 MiB, 2 passes, 8 lanes) cost about 180 ms of CPU a login, so two
cores manage some 10 logins a second and a morning's burst of staff queues. OWASP's
Password Storage Cheat Sheet asks for at least 19 MiB, 2 passes and 1 lane; that is about
20–25 ms here, which leaves two cores room for a burst of 20 logins a second beside the
pages (measured by `make bench`, row "login").

A hash with other parameters (Django's defaults, say) is still accepted, and replaced on
the next successful login: Django's check_password rehashes when must_update() says so.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class StafettArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
