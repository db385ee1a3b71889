"""The `wfm` command line: thin glue over the pipeline stages."""
