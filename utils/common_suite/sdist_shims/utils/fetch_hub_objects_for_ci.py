"""Stand-in for transformers' repo script `utils/fetch_hub_objects_for_ci.py`, which the sdist does not ship.

`test_processing_common` maps its sample-media URLs through `url_to_local_path`: a file of the URL's name in the
working directory (downloaded beforehand by transformers' CI) or, without one, the URL itself.
"""

import os


SHIM = True


def url_to_local_path(url, return_url_if_not_found=True):
    filename = url.split("/")[-1]
    if os.path.exists(filename) or not return_url_if_not_found:
        return filename
    return url
