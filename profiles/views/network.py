"""The network page: how the published profiles connect, as a picture drawn
on the server and as a list of the same connections in words."""

from django.shortcuts import render

from profiles.network import graph, network_profiles, network_svg


def network(request):
    connections = graph(network_profiles())
    return render(
        request,
        "network/network.html",
        {"graph": connections, "svg": network_svg(connections)},
    )
