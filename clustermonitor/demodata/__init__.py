"""The demo (docs/demo.md): `loader.load` writes record-level demo data calibrated to the
2020 evaluation; `personas` adds one login per persona; the commands `demo`, `load-demo`
and `generate` live here too. The package stays empty so that it loads as an app."""
