"""Search over the published record.

- `indexing`: the name index (`SearchName`, spelling-tolerant keys of every
  name, alias and name written in the text) and the text index
  (`SearchText`), rebuilt when a version is published.
- `querying`: the search page's groups, each a count and a bounded page of
  rows read through those indexes.
- `presenting`: the results' shapes and their escaped, marked text.
"""

from profiles.search.indexing import (
    index_all,
    index_new_profile,
    index_profile,
    search_names,
)
from profiles.search.presenting import GROUPS, Group, GroupPages, Results
from profiles.search.querying import (
    GROUP_SIZE,
    QUERIES_PER_SEARCH,
    group_pages,
    profiles_named,
    search,
)

__all__ = [
    "GROUPS",
    "GROUP_SIZE",
    "QUERIES_PER_SEARCH",
    "Group",
    "GroupPages",
    "Results",
    "group_pages",
    "index_all",
    "index_new_profile",
    "index_profile",
    "profiles_named",
    "search",
    "search_names",
]
