"""wenping (稳评): from one structured case to the complete 社会稳定风险评估 filing package."""

__version__ = "0.1.0"
