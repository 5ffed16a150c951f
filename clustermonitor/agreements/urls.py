from django.urls import path

from clustermonitor.agreements import views

app_name = "agreements"

urlpatterns = [
    path("agreements/", views.agreement_list, name="list"),
    path("clusters/<str:code>/agreement/", views.agreement_detail, name="detail"),
    path("clusters/<str:code>/agreement/new/", views.for_cluster, name="for-cluster"),
    path("clusters/<str:code>/agreement/amend/", views.amend, name="amend"),
    path(
        "clusters/<str:code>/agreement/conditions/new/",
        views.condition_add,
        name="condition-add",
    ),
    path("agreement-conditions/<int:pk>/met/", views.condition_met, name="condition-met"),
    path("applications/<int:pk>/agreement/", views.from_application, name="from-application"),
    path("tranches/<int:pk>/payments/new/", views.payment_add, name="payment-add"),
]
