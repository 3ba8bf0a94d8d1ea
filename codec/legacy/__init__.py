"""HuggingChat's legacy era: SvelteKit page data, read only for old bodies and pages.

Until 2025-06-05 HuggingChat had no JSON API for conversations and model
lists (protocols/huggingchat.md §0, §2.1, §2.4, §4, §6). A client read them
from SvelteKit's own transport:

- ``GET .../__data.json``: the route's load data as devalue ``stringify``
  JSON, one document (``x-sveltekit-invalidated=01``) or JSON lines whose
  later lines settle streamed promises (``=11``);
- the server-rendered HTML page (``GET /chat``), whose bootstrap script hands
  the same data to ``kit.start(...)`` as JavaScript written by devalue
  ``uneval``.

The current era (superjson ``/chat/api/v2/*`` bodies, :mod:`codec.superjson`)
needs none of this; :mod:`codec.huggingchat` tells the eras apart by content
and hands legacy bodies here, so recorded cassettes and old pages keep
working. JavaScript values both eras share (``undefined``, ``RegExp``...) are
in :mod:`codec.jsvalues`.

- :mod:`codec.legacy.devalue`: devalue ``stringify`` JSON, and the
  :class:`~codec.legacy.devalue.Deferred` promises and typed arrays only it
  carries;
- :mod:`codec.legacy.jsliteral`: the JavaScript devalue ``uneval`` writes;
- :mod:`codec.legacy.sveltekit`: ``__data.json`` bodies and the page's
  bootstrap (kit hydration);
- :mod:`codec.legacy.huggingchat`: conversations and model lists in those
  forms.
"""
