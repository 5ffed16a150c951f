from django.urls import path

from clustermonitor.billing import views, views_selfservice

app_name = "billing"

urlpatterns = [
    path("clusters/<str:code>/invoices/", views.invoice_list, name="invoice-list"),
    path(
        "clusters/<str:code>/invoices/generate/",
        views.invoices_generate,
        name="invoices-generate",
    ),
    path("clusters/<str:code>/invoices/remind/", views.invoices_remind, name="invoices-remind"),
    path("clusters/<str:code>/billing/", views.billing_settings, name="settings"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice-issue"),
    path("invoices/<int:pk>/cancel/", views.invoice_cancel, name="invoice-cancel"),
    path("invoices/<int:pk>/credit/", views.invoice_credit, name="invoice-credit"),
    path("invoices/<int:pk>/send/", views.invoice_send, name="invoice-send"),
    path("invoices/<int:pk>/remind/", views.invoice_remind, name="invoice-remind"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:pk>/ubl/", views.invoice_ubl, name="invoice-ubl"),
    # A member contact's own invoices (member self-service, "Mijn organisatie").
    path(
        "my-organisation/invoices/<int:pk>/pdf/",
        views_selfservice.my_invoice_pdf,
        name="my-invoice-pdf",
    ),
    path(
        "my-organisation/invoices/<int:pk>/ubl/",
        views_selfservice.my_invoice_ubl,
        name="my-invoice-ubl",
    ),
]
