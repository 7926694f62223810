"""The e-mail user model's admin, as a project with its own user model writes
it: errorkit's links to a customer's pages come from the documented
template."""

from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "is_staff"]
    search_fields = ["email"]
    exclude = ["password"]
    change_form_template = "admin/errorkit/user_change_form.html"
