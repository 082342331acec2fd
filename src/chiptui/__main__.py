from __future__ import annotations

from chiptui.cli import main

raise SystemExit(main())
