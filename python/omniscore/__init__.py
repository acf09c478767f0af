"""omniscore: an omnichannel customer-scoring warehouse on dbt and DuckDB."""

__version__ = "0.1.0"
