"""The README's example app: ``python -m fastexpress.example`` serves it on 127.0.0.1:3000."""
