"""Views, one module per area: reading (public pages), history (versions and
changes), editing (proposing changes), review (the queue and decisions), inbox
(notifications), search, network and sources (the bibliography's pages).

They import the services and queries below them, never each other: what two
views share lives in a module below (e.g. `profiles.presenting`)."""
