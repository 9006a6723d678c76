"""The pages the browser tests visit, over the seed and its second version
(`/sources/{source}/` is filled with a source's id)."""

#: What a reader can open: each is checked by axe-core and at phone width.
READER_PAGES = [
    "/",
    "/profiles/",
    "/profiles/liwa-al-baqir/",
    "/profiles/liwa-al-baqir/history/",
    "/profiles/liwa-al-baqir/versions/1/",
    "/profiles/liwa-al-baqir/compare/?from=1&to=2",
    "/profiles/liwa-al-baqir/fields/size/",
    "/changes/",
    "/sources/",
    "/sources/{source}/",
    "/search/?q=Hezbollah",
    "/network/",
    "/network/?profile=liwa-al-baqir",
    "/accounts/login/",
]
