"""On a narrow screen (a phone, or a window up to 768 px: where Streamlit's sidebar covers the
page), the sidebar closes once a page is chosen in it, so the chosen page shows. Streamlit 1.67
does that by itself only for a browser whose user agent says it is a phone.

A small script (st.html) listens to clicks on the sidebar's page links, once per browser tab.
"""
from __future__ import annotations

import streamlit as st

NARROW_PX = 768  # Streamlit's "md" breakpoint: at or below it, the sidebar overlays the page

SCRIPT = f"""<script>
(() => {{
  const root = window.frameElement ? window.parent : window;
  if (root.trackerClosesSidebar) return;
  root.trackerClosesSidebar = true;
  root.document.addEventListener("click", (event) => {{
    if (!event.target.closest('[data-testid="stSidebarNavLink"]')) return;
    if (!root.matchMedia("(max-width: {NARROW_PX}px)").matches) return;
    root.setTimeout(() => {{
      const sidebar = root.document.querySelector('[data-testid="stSidebar"]');
      if (sidebar && sidebar.getBoundingClientRect().right > 0) {{
        root.document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
      }}
    }}, 100);
  }}, true);
}})();
</script>"""


def sidebar_closes_on_narrow_screens() -> None:
    """From app.py, for a signed-in user (the sidebar holds the pages)."""
    with st.sidebar:
        st.html(SCRIPT, unsafe_allow_javascript=True)
