from django import forms

from measures.forms import FocusFirstError

from .models import ApiToken


class TokenForm(forms.ModelForm):
    bound_field_class = FocusFirstError

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
