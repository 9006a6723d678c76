"""Views, one module per area: reading (public pages), editing (proposing
changes), review (the queue and decisions) and inbox (notifications)."""
