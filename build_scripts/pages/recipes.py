"""Copy-paste recipes for the data page (issue 15): each tool reads every column with its type.

Plain ``pandas.read_csv`` reads the proposal number 0079 as 79 and region codes as integers;
Excel's CSV import does the same. Each recipe here gets every column right, and each is generated
from the field list (``fields.TABLES`` and ``fields.FLAT_TABLE``), so a new field needs no edit
here. ``tests/test_data_recipes.py`` runs the pandas, frictionless and SQLite recipes as printed on
the page and compares what they read with the package.
"""

from __future__ import annotations

from build_scripts.fields import FLAT_TABLE, TABLES, Table
from build_scripts.sqlitedb import FTS_EXAMPLE, SEARCH_SQL

R_TYPES = {"string": "c", "list": "c", "integer": "i", "date": "D"}
M_TYPES = {"string": "type text", "list": "type text", "integer": "Int64.Type", "date": "type date"}


def pandas(stem: str) -> str:
    """pandas: the types come from datapackage.json's Table Schemas (identifiers text, integers Int64, dates).

    ``read_excel`` needs them too: it turns the text cell 0079 into 79 unless told the column's type.
    """
    return f'''import json
import pandas as pd

with open("datapackage.json", encoding="utf-8") as f:
    SCHEMAS = {{r["name"]: r["schema"] for r in json.load(f)["resources"]}}


def read(table, path=None):
    """A table of the package with every column's type from its Table Schema:
    text stays text (0079 keeps its zeros), integers are Int64, dates are dates, "" is missing."""
    fields = SCHEMAS[table]["fields"]
    types = {{"integer": "Int64", "date": "string"}}
    dates = [f["name"] for f in fields if f["type"] == "date"]
    return pd.read_csv(path or table + ".csv", dtype={{f["name"]: types.get(f["type"], "string") for f in fields}},
                       parse_dates=dates, date_format="%Y-%m-%d", keep_default_na=False, na_values=[""])


def read_sheet(table, path="excel/{stem}.xlsx"):
    """The same table from the Excel workbook (its date cells are dates)."""
    types = {{"integer": "Int64", "date": "datetime64[ns]"}}
    return pd.read_excel(path, sheet_name=table, dtype={{f["name"]: types.get(f["type"], "string")
                                                        for f in SCHEMAS[table]["fields"]}},
                         keep_default_na=False, na_values=[""])


replies = read("replies")
sections = read("sections")
replies_from_excel = read_sheet("replies")
# the flat file: the replies columns and the whole text (per year: by-year/{FLAT_TABLE.name}-2023.csv.gz)
texts = read("replies", "{FLAT_TABLE.name}.csv").astype({{"text": "string"}})
'''


def r_types(table: Table) -> str:
    """readr's compact column types for a table: c text, i integer, D date."""
    return "".join(R_TYPES[f.kind] for f in table.fields)


def r(stem: str) -> str:
    types = ",\n".join(f'  {t.name} = "{r_types(t)}"' for t in TABLES + (FLAT_TABLE,))
    return f'''library(readr)
# c = 文本（0079 保留前导零），i = 整数，D = 日期；空单元格为 NA
types <- c(
{types}
)
read_table <- function(name, path = paste0(name, ".csv")) {{
  read_csv(path, col_types = types[[name]], na = "", locale = locale(encoding = "UTF-8"))
}}
replies <- read_table("replies")
texts <- read_table("{FLAT_TABLE.name}")
texts_2023 <- read_csv("by-year/{FLAT_TABLE.name}-2023.csv.gz", col_types = types[["{FLAT_TABLE.name}"]], na = "")
'''


def power_query(stem: str) -> str:
    """Excel Power Query (M) for the canonical replies.csv: UTF-8 (65001), "" as null, each column typed."""
    table = TABLES[0]
    types = ", ".join(f'{{"{f.name}", {M_TYPES[f.kind]}}}' for f in table.fields)
    return f'''let
    Source = Csv.Document(File.Contents("C:\\data\\{table.name}.csv"), [Delimiter = ",", Encoding = 65001, QuoteStyle = QuoteStyle.Csv]),
    Headers = Table.PromoteHeaders(Source, [PromoteAllScalars = true]),
    Nulls = Table.TransformColumns(Headers, {{}}, each if _ = "" then null else _),
    Typed = Table.TransformColumnTypes(Nulls, {{{types}}}, "en-US")
in
    Typed
'''


def sqlite(stem: str) -> str:
    example = FTS_EXAMPLE.replace('"', '\\"')
    return f'''unzip {stem}.sqlite.zip
sqlite3 {stem}.sqlite "{example}"
datasette {stem}.sqlite -m {stem}.datasette.json
'''


def sqlite_search(stem: str) -> str:
    """The site's search in SQL (``sqlitedb.SEARCH_SQL``), for the sqlite3 shell."""
    return f".parameter set :q '社區減負'\n{SEARCH_SQL};\n"


def frictionless(stem: str) -> str:
    return '''from frictionless import Package

package = Package("datapackage.json")
replies = package.get_resource("replies").to_pandas()   # index: id; every column typed by its Table Schema
sections = package.get_resource("sections").to_pandas()
'''


RECIPES = (
    ("pandas", "Python：pandas", pandas),
    ("frictionless", "Python：frictionless", frictionless),
    ("r", "R：readr", r),
    ("power-query", "Excel：Power Query（读取标准 CSV）", power_query),
    ("sqlite", "SQLite 与 Datasette", sqlite),
    ("sqlite-search", "SQLite：与网站相同的检索（繁简、全半角、空格）", sqlite_search),
)
"""(id, heading, code for a download stem): the recipes in the order the page shows them."""

