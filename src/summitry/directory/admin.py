from django.contrib import admin

from summitry.directory.models import Country, Office, Organisation, Person, Term


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    list_display = ("name", "code", "alpha3", "region", "subregion", "capital_zone")
    list_filter = ("region", "subregion")
    search_fields = ("name", "official_name", "code", "alpha3")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("acronym", "name", "category", "seat")
    list_filter = ("category",)
    search_fields = ("acronym", "name")
    filter_horizontal = ("members", "member_organisations")


class TermInline(admin.TabularInline[Term, Person]):
    model = Term
    extra = 1
    autocomplete_fields = ("office",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "country", "language")
    search_fields = ("name",)
    list_filter = ("country__region",)
    inlines = [TermInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ("title", "country", "organisation")
    search_fields = ("title",)
