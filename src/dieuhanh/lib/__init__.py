"""The plain library every layer may use — `org`, `core` and the apps alike: functions and types
with no model and no app of their own (text folding for search, the parsing of numbers and ids
from requests). It imports nothing of the project."""
