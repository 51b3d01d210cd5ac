"""Fetch a client's objects for a view: another practice's object is a 404."""

from django.shortcuts import get_object_or_404

from clients.models import BankAccount, Client, ClientContact, ClientImport, Contact


def access_client(request, code) -> Client:
    return get_object_or_404(Client.objects.select_related("preparer", "reviewer"), code=code)


def access_contact(request, code) -> Contact:
    return get_object_or_404(Contact.objects, code=code)


def access_client_contact(request, code) -> ClientContact:
    return get_object_or_404(ClientContact.objects.select_related("client", "contact"), code=code)


def access_bank_account(request, code) -> BankAccount:
    return get_object_or_404(BankAccount.objects.select_related("client"), code=code)


def access_client_import(request, code) -> ClientImport:
    return get_object_or_404(ClientImport.objects, code=code)
