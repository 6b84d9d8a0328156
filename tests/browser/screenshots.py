"""Screenshots of every page as a user sees them: `make screenshots`.

`python -m tests.browser.screenshots [--url http://127.0.0.1:8050] [--out DIR] [--lang en]
[--query kel=12.75.01.1003] [--boundaries ../shared/data/geo/binjai_kelurahan.geojson] [--history-days 400]`
With no --url it starts its own app over fresh small demo data (--boundaries: kelurahan
polygons on the maps; --history-days: enough history for "vs last year"). Each page is saved at
1920x1080 (briefing, full page) and 3840x2160 (wall mode), and every /wall screen at both sizes,
ready to open and look at.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.browser.harness import PAGES, SERVICES, launch_browser, open_and_settle, start_app

SIZES = [((1920, 1080), "", True), ((3840, 2160), "mode=wall", False)]
WALL_SCREENS = ["overview", *SERVICES, "map", "queue"]


def capture(base_url: str, out: Path, lang: str | None = None, pages=PAGES, extra: str = "") -> list[Path]:
    from playwright.sync_api import sync_playwright
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        for (width, height), mode, full in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            for path in pages:
                query = "&".join(q for q in (mode, f"lang={lang}" if lang else "", extra) if q)
                open_and_settle(page, f"{base_url}{path}{'?' + query if query else ''}")
                name = f"{path.strip('/') or 'overview'}-{width}{'-' + lang if lang else ''}.png"
                page.screenshot(path=str(out / name), full_page=full)
                saved.append(out / name)
            for screen in WALL_SCREENS:     # the wall's own screens, laid out for this viewport
                query = "&".join(q for q in (f"lang={lang}" if lang else "", extra) if q)
                page.goto(f"{base_url}/wall/{screen}{'?' + query if query else ''}")
                page.wait_for_url(f"**vh={height}**")
                page.wait_for_selector(f".wall-screen-{screen}")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                name = f"wall-{screen}-{width}{'-' + lang if lang else ''}.png"
                page.screenshot(path=str(out / name))
                saved.append(out / name)
            context.close()
            if errors:
                print("console errors:", *errors, sep="\n  ")
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--out", default="artifacts/screens")
    parser.add_argument("--lang")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--query", default="", help="more of the query string, e.g. kel=12.75.01.1003")
    parser.add_argument("--boundaries", help="kelurahan GeoJSON for the app this starts")
    parser.add_argument("--history-days", type=int, help="days of demo history for the app this starts")
    args = parser.parse_args()
    if args.url:
        saved = capture(args.url.rstrip("/"), Path(args.out), args.lang, args.pages, args.query)
    else:
        options = {"boundaries": str(Path(args.boundaries).resolve()) if args.boundaries else None,
                   **({"history_days": args.history_days} if args.history_days else {})}
        with tempfile.TemporaryDirectory(prefix="bcc-shots-") as tmp:
            app = start_app(Path(tmp), **options)
            saved = capture(app.base_url, Path(args.out), args.lang, args.pages, args.query)
            app.server.shutdown()
    print(*saved, sep="\n")


if __name__ == "__main__":
    main()
