"""MkDocs plugin (`plugins: [aksdiag]`) and Markdown extension (`markdown_extensions: [aksdiag]`)."""
