"""Views of the portal: the staff pages (requests, sending, reminder settings, delivery, portal
access) and the contacts' own pages under /portal/ (the contact_* modules)."""
