"""The MkDocs plugin: `plugins: [caseforge]` in any mkdocs.yml adds a page
per case, the index of cases and the reference pages at build time,
without writing into the source tree.

    plugins:
      - search
      - caseforge:
          cases: cases        # the folder of case files, from mkdocs.yml's folder
          section: cases      # where their pages go in the site

The profile and strictness come from the project's settings
(caseforge.toml or [tool.caseforge]). A case with errors or without
consent is not published: the build says which and why, as a warning, so
`mkdocs build --strict` fails on it. `mkdocs serve` rebuilds when a case
changes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.caseforge")


class CaseforgeConfig(base.Config):
    cases = options.Type(str, default="cases")
    section = options.Type(str, default="cases")


class CaseforgePlugin(BasePlugin[CaseforgeConfig]):
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from caseforge.render.site import ASSET_FOLDER

        root = Path(config.config_file_path or ".").resolve().parent
        self.cases = (root / self.config.cases).resolve()
        self.root = root
        # The reference pages give their sections ids with attr_list (`{#cf203}`).
        if "attr_list" not in config.markdown_extensions:
            config.markdown_extensions.append("attr_list")
        config.extra_css.append(f"{ASSET_FOLDER}/caseforge.css")
        config.extra_javascript.append(f"{ASSET_FOLDER}/tables.js")  # type: ignore[arg-type]
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        from caseforge.config import ConfigError, load
        from caseforge.render.site import generate

        try:
            settings = load(self.root)
        except ConfigError as error:
            raise PluginError("caseforge: the configuration has mistakes:\n" + "\n".join(f"  {item.file}:{item.line}:{item.column} {item.message}" for item in error.diagnostics)) from None
        if not self.cases.is_dir():
            log.warning("caseforge: there is no case folder `%s`; set `cases:` under the plugin in mkdocs.yml.", self.config.cases)
        site = generate(self.cases, settings, self.config.section, config.use_directory_urls)
        for held in site.unpublished:
            log.warning("caseforge: %s is not published: %s", _shown(held.path, self.root), "; ".join(held.reasons))
        for path, content in site.files.items():
            if files.get_file_from_path(path) is not None:
                log.warning("caseforge: %s in the docs folder is replaced by the generated page of the same path.", path)
                files.remove(files.get_file_from_path(path))  # type: ignore[arg-type]
            files.append(File.generated(config, path, content=content))
        log.info("caseforge: %d cases published, %d held back.", len(site.published), len(site.unpublished))
        return files

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: object) -> LiveReloadServer:
        if self.cases.is_dir():
            server.watch(str(self.cases))
        return server


def _shown(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path
