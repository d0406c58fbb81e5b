"""The biller's worklist (issue 15 item 5, issue 16 item 5): claims by status, payer and date
of service, with batch printing of claim forms, 837 export and remittances recorded by hand."""
