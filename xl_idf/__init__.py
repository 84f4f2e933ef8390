"""xl-idf: the rules of the Parcours régional Industrie du futur (Région Occitanie) as code.

One core for three adapters: the Excel functions (`udfs/`), the batch validator (`xl-idf
validate`) and the provider templates (`workbooks/`). The rules modules import only the
standard library and python-stdnum, so they run wherever Excel's Python runs.
"""

__version__ = "0.1.0"
