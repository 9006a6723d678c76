"""The network of profiles: which profiles a profile's "Connections to other
militias" section names, stored as edges when a version is published, and
read and drawn a bounded part at a time.

- `matching`: names and mentions, the rules of "this bullet names that
  profile" (pure).
- `graph`: nodes, edges and labels, and the graph of profiles in memory (pure).
- `indexing`: the stored edges and degrees, written on publish and rebuilt by
  the `rebuild_network` command.
- `queries`: the pages' and the API's reads of the stored edges.
- `drawing`: the layout and the SVG picture (pure).

The names below are what the views use.
"""

from profiles.network.drawing import neighbourhood_svg, network_svg
from profiles.network.queries import Neighbourhood, neighbourhood

__all__ = ["Neighbourhood", "neighbourhood", "neighbourhood_svg", "network_svg"]
