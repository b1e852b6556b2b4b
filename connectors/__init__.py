"""HRIS adapters behind the HrisConnector port: bamboohr/, workday/."""
