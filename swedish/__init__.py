"""Swedish text on this server: lemmas, folding, stop words and compound splitting.

One module for every feature that reads Swedish words (the reflection's word cloud in
groups/words.py, the theme finder in summary/themes.py). It sits below the apps and imports
none of them. Nothing here leaves the server; the dictionaries load once per process.
"""
